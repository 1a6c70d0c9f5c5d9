"""An OpenID Connect provider (django-oauth-toolkit) for the sign-on tests."""
