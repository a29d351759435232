"""Mentorships: a mentee requests a mentor, the mentor accepts or declines, within capacity."""
