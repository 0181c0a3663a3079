import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# After Django is set up, before the first request: a production key file that is missing,
# unreadable or incomplete stops the web server here (core.startup).
from core.startup import keys_startup  # noqa: E402

keys_startup(process="web server")
