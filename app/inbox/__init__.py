"""The ticket inbox for agents (and managers, admins)."""
