"""Talent pages, split by subject: nominations and the honour catalogue, people (teams, studios, mentoring,
timelines), profiles and the cultivation ladder."""
