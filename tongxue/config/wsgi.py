import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
_django = get_wsgi_application()

from tongxue.voting.fastpath import CastFastPath  # noqa: E402  (after Django's setup)

#: JSON casts by ballot token are answered before the request stack (ELE-5); every
#: other request goes to Django.
application = CastFastPath(_django)
