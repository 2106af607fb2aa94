"""Handing a user over to a human: tickets, their context, and delivery to the support team."""
