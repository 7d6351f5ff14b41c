"GD Station Cloud: the project's own commands (``gdcloud --help``)"
import os
import pathlib

ROOT = pathlib.Path(
    os.environ.get('GDCLOUD_HOME')
    or pathlib.Path(__file__).resolve().parents[2])
VAR = ROOT / 'var'
CONFIG = ROOT / 'config'
SAO = VAR / 'sao' / 'package'
MODULES = ['gd_documents', 'gd_deploy', 'gd_ticketing']
