"""The REST API of pledges, study sessions, exemplars and commendations."""
