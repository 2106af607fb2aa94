"""Sign-in for staff: /login and /logout."""
