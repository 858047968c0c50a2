"""Projects, their stakeholder groups, participants and coders."""
