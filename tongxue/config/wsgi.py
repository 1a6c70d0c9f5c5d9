import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
_django = get_wsgi_application()

from tongxue.surveys.fastpath import AnswerFastPath  # noqa: E402
from tongxue.voice.fastpath import RaiseFastPath  # noqa: E402
from tongxue.voting.fastpath import CastFastPath  # noqa: E402  (after Django's setup)

#: JSON casts by ballot token are answered before the request stack (ELE-5), JSON survey
#: answers by answer token too (TRN-2, #18); every other request goes to Django.
application = AnswerFastPath(CastFastPath(_django))
application = RaiseFastPath(application)  # JSON raises by raise token (#17)

# jieba's dictionary (similar concerns, raising one: #17) is loaded now, not by the first
# request that segments a text, and frozen below with the rest.
from tongxue.voice.text import load_dictionary  # noqa: E402

load_dictionary()

# Everything loaded so far (Django, the apps, the URL conf, the catalogues) lives as long
# as the process: move it out of the garbage collector's generations, so that a full
# collection during a request scans only what requests allocate (shorter pauses for
# every thread of the process; measured in docs/performance.md, casting over HTTP).
gc.collect()
gc.freeze()
