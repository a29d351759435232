"""The job search until hired: applications, their history of events, interviews and the hire."""
