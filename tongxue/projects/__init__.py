"""A union's projects (ORG-11 · GS-9, CQ-4), mounted at /projects/ (#18)."""
