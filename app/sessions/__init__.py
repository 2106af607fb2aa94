"""Anonymous help sessions: a random cookie, stored only as a hash, rolling 24-hour life."""
