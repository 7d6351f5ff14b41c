"""`gdcloud month YYYY-MM --out DIR`: generate a month's documents for
every city in one go: the province summary (XLSX, PDF) and each city's
monthly report (DOCX, PDF), with a progress bar"""
import argparse
import datetime as dt
import re

from .demo import configure


def parse_month(text):
    try:
        return dt.datetime.strptime(text, '%Y-%m').date()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a month: give it as YYYY-MM, such as 2020-09"
            ) from None


def file_name(name, extension):
    "A file name from a report's name: no path separator, not too long"
    name = re.sub(r'[\\/:*?"<>|\s]+', ' ', name).strip()[:120]
    return f'{name}.{extension}'


def main(args):
    from tqdm import tqdm

    configure(args)
    from trytond.modules.gd_deploy.document import month_documents
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(args.database)
    pool.init()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    with Transaction().start(args.database, 0, readonly=True):
        User = pool.get('res.user')
        Programme = pool.get('gd.programme')
        City = pool.get('gd.city')
        users = User.search([('login', '=', args.user)])
        if not users:
            raise SystemExit(f"No user {args.user!r} in {args.database}")
        user, = users
        user_id = user.id
        language = user.language.code if user.language else 'zh_CN'
        programme = Programme.get_running(args.month)
        if not programme:
            raise SystemExit(
                f"No programme is running in {args.month:%Y-%m}")
        programme_id = programme.id
    # Generated as the user, with its access rights and language
    with Transaction().start(args.database, user_id, readonly=True,
            context={'language': language, '_check_access': True}):
        programme = Programme(programme_id)
        documents = month_documents(programme, args.month)
        written, cities = [], set()
        for report_name, records, data in tqdm(
                documents, desc=f"{args.month:%Y-%m}", unit="doc"):
            Report = pool.get(report_name, type='report')
            extension, content, _, name = Report.execute(
                [r.id for r in records], data)
            if report_name.startswith('gd.progress.report'):
                cities.add(records[0].city.id)
            else:
                name = f'{name} {args.month:%Y-%m}'
            path = out / file_name(name, extension)
            path.write_bytes(content)
            written.append(path)
        missing = [c.rec_name for c in City.search(
                [('id', 'not in', list(cities))], order=[('code', 'ASC')])]
    print(f"{len(written)} documents written to {out}")
    if missing:
        print(f"No report for {args.month:%Y-%m} from: {'、'.join(missing)}")
    return 0
