"""`gdcloud exchange YYYY-MM-DD --out DIR`: generate the data exchange export
of a day (Guangdong time) for the province, or a station, and write its
JSON file and its ZIP of CSV files; the export is kept in the database as a
new version, as when generated from the client"""
import argparse
import datetime as dt

from .demo import configure


def parse_date(text):
    try:
        return dt.datetime.strptime(text, '%Y-%m-%d').date()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: give it as YYYY-MM-DD, such as "
            "2026-11-25") from None


def main(args):
    configure(args)
    from trytond.exceptions import UserError
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(args.database)
    pool.init()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    with Transaction().start(args.database, 0, readonly=True):
        User = pool.get('res.user')
        Station = pool.get('gd.station')
        users = User.search([('login', '=', args.user)])
        if not users:
            raise SystemExit(f"No user {args.user!r} in {args.database}")
        user, = users
        user_id = user.id
        language = user.language.code if user.language else 'zh_CN'
        station_id = None
        if args.station:
            stations = Station.search([('code', '=', args.station)])
            if not stations:
                raise SystemExit(f"No station of code {args.station!r}")
            station_id = stations[0].id
    # Generated as the user, with its access rights and language
    with Transaction().start(args.database, user_id,
            context={'language': language, '_check_access': True}):
        Export = pool.get('gd.exchange.export')
        try:
            export = Export.generate(args.date, station=station_id)
        except UserError as error:
            raise SystemExit(error.message) from None
        paths = []
        for name in ['json', 'csv']:
            path = out / getattr(export, f'{name}_filename')
            path.write_bytes(bytes(getattr(export, f'{name}_file')))
            paths.append((path, getattr(export, f'{name}_sha256')))
        summary = (
            f"{export.rec_name}: {export.sale_count} sales "
            f"({export.sale_amount}), {export.refund_count} refunds "
            f"({export.refund_amount}, fees {export.refund_fee}), "
            f"{export.change_count} changes, {export.check_count} checks")
    print(summary)
    for path, digest in paths:
        print(f"{digest}  {path}")
    return 0
