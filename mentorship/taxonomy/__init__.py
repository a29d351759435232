"""Taxonomy: roles, skills and their aliases, role requirements, backgrounds, project templates."""
