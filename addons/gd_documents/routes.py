# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Download the outputs of the document engine over HTTP with their Chinese
file names (RFC 6266 filename*), for links and scripts"""
import mimetypes
import unicodedata
from urllib.parse import quote

from trytond.model.exceptions import AccessError
from trytond.protocols.wrappers import (
    HTTPStatus, Response, abort, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app


def content_disposition(filename):
    """The Content-Disposition header of an attachment named filename: an
    ASCII fallback for old clients and the UTF-8 name for the others"""
    fallback = unicodedata.normalize('NFKD', filename).encode(
        'ascii', 'ignore').decode().replace('"', '').replace('\\', '')
    stem, _, extension = fallback.rpartition('.')
    if not stem.strip(' -_'):
        fallback = f'document.{extension}'
    return (f'attachment; filename="{fallback}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}")


@app.route(
    '/<database_name>/gd_documents/report/<name>/<ids>', methods={'GET'})
@app.auth_required
@with_pool
@with_transaction(user='request', context={'_check_access': True})
def report(request, pool, name, ids):
    "The output of the report name for the records ids (comma separated)"
    User = pool.get('res.user')
    try:
        Report = pool.get(name, type='report')
        ids = [int(i) for i in ids.split(',')]
    except (KeyError, ValueError):
        abort(HTTPStatus.NOT_FOUND)
    if not getattr(Report, 'house_style', False):
        abort(HTTPStatus.NOT_FOUND)
    # The user's language names the file, as in the client
    with Transaction().set_context(User.get_preferences(context_only=True)):
        try:
            extension, content, _, filename = Report.execute(ids, {})
        except AccessError:
            abort(HTTPStatus.FORBIDDEN)
    filename = f'{filename}.{extension}'
    mimetype, _ = mimetypes.guess_type(filename)
    response = Response(
        content, mimetype=mimetype or 'application/octet-stream')
    response.headers['Content-Disposition'] = content_disposition(filename)
    return response
