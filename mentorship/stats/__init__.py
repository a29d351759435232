"""Programme health for staff: the funnel, time to hire, responsiveness, check-ins and ratings."""
