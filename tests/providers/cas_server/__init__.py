"""A CAS server (django-mama-cas) for the sign-on tests; see tests/providers."""
