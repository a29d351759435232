"""Profiles: what mentees and mentors say about themselves, and a mentee's skill gap."""
