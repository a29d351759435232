"""Progress: one end-to-end project per mentee, its milestones and experiments, weekly check-ins."""
