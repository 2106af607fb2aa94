"""The guide editor for editors (and admins)."""
