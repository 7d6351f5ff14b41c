"The command line of GD Station Cloud"
import argparse
import pathlib
import sys

from . import demo, exchange, month


def add_database_arguments(parser, what):
    "The options of a command that works in a database as a user"
    parser.add_argument('--database', default='gdcloud')
    parser.add_argument(
        '--config', type=pathlib.Path,
        help="a trytond configuration file (default: the demo's, with its "
        "database in var/db)")
    parser.add_argument(
        '--path', type=pathlib.Path,
        help="the folder of the demo's SQLite database (default: var/db)")
    parser.add_argument(
        '--user', default='admin',
        help=f"the login {what} (default: admin)")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='gdcloud', description="GD Station Cloud commands")
    commands = parser.add_subparsers(dest='command', required=True)

    demo_parser = commands.add_parser(
        'demo', help="build (or update) the demo database and run the "
        "server with its cron")
    demo_parser.add_argument('--database', default='gdcloud')
    demo_parser.add_argument('--port', type=int, default=8000)
    demo_parser.add_argument(
        '--reset', action='store_true',
        help="drop the demo database and build it anew")
    demo_parser.add_argument(
        '--no-serve', action='store_true',
        help="only build the database")

    build_parser = commands.add_parser(
        'build-demo', help="build a demo database in a folder")
    build_parser.add_argument('path', type=pathlib.Path)
    build_parser.add_argument('--database', default='gdcloud')

    month_parser = commands.add_parser(
        'month', help="generate a month's documents for every city: the "
        "province summary (XLSX, PDF) and each city's report (DOCX, PDF)")
    month_parser.add_argument(
        'month', type=month.parse_month, help="the month, as YYYY-MM")
    month_parser.add_argument(
        '--out', type=pathlib.Path, required=True,
        help="the folder to write the files into")
    add_database_arguments(month_parser, "the documents are generated as")

    exchange_parser = commands.add_parser(
        'exchange', help="generate the data exchange export of a day "
        "(sales, refunds, changes, checks) as JSON and a ZIP of CSV files")
    exchange_parser.add_argument(
        'date', type=exchange.parse_date,
        help="the day (Guangdong time), as YYYY-MM-DD")
    exchange_parser.add_argument(
        '--out', type=pathlib.Path, required=True,
        help="the folder to write the files into")
    exchange_parser.add_argument(
        '--station',
        help="the code of a station to export alone (default: the "
        "province)")
    add_database_arguments(exchange_parser, "the export is generated as")

    args = parser.parse_args(argv)
    if args.command == 'demo':
        return demo.main(args)
    elif args.command == 'month':
        return month.main(args)
    elif args.command == 'exchange':
        return exchange.main(args)
    elif args.command == 'build-demo':
        demo.build(args.path.resolve(), args.database)
        return 0


if __name__ == '__main__':
    sys.exit(main())
