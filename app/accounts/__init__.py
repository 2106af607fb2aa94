"""Staff accounts (agents, editors, managers, admins): storage, passwords, roles, throttling."""
