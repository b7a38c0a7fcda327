"""The server-error page, in the person's language and the site's look. Django's own handler renders
500.html without the request, so it could know neither; this one renders it with the language the
request chose and nothing that needs the database, which may be what failed."""

from django.http import HttpResponseServerError
from django.template import loader


def server_error(request):
    try:
        body = loader.get_template("500.html").render({})
    except Exception:  # the error page itself must never fail: fall back to plain words
        body = "<h1>服务器错误 / Server error</h1>"
    return HttpResponseServerError(body)
