"""What search engines read: the sitemap and schema.org structured data (plain modules)."""
