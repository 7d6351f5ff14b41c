"A demo database built by `gdcloud build-demo` and a server running on it"
import json
import socket
import subprocess
import sys
import urllib.request
from base64 import b64encode
from pathlib import Path

import pytest

from gdcloud import demo

BIN = Path(sys.executable).parent
DATABASE = 'gdcloud'


@pytest.fixture(scope='session')
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp('demo-db')
    subprocess.run(
        [BIN / 'gdcloud', 'build-demo', path, '--database', DATABASE],
        check=True)
    return path


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.fixture(scope='session')
def server(demo_path):
    "The URL of the server and its cron, running on the demo database"
    port = free_port()
    processes = demo.start(demo_path, DATABASE, port)
    try:
        demo.wait_listening(port, processes)
        yield {'url': f'http://127.0.0.1:{port}/', 'processes': processes}
    finally:
        demo.stop(processes)


class RPC:
    "A JSON-RPC client as the web client uses it"

    def __init__(self, url, login, password, database=DATABASE):
        self.url = url + database + '/rpc/'
        self.authorization = None
        user_id, session, *_ = self.call(
            'common.db.login', login, {'password': password}, 'zh_CN')
        token = f'{login}:{user_id}:{session}'.encode()
        self.authorization = 'Session ' + b64encode(token).decode()
        self.user_id = user_id

    def call(self, method, *params):
        request = urllib.request.Request(
            self.url, data=json.dumps(
                {'id': 1, 'method': method, 'params': params}).encode(),
            headers={'Content-Type': 'application/json'})
        if self.authorization:
            request.add_header('Authorization', self.authorization)
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
        if answer.get('error'):
            raise RuntimeError(answer['error'])
        return answer['result']


@pytest.fixture
def rpc(server):
    def login(login, password):
        return RPC(server['url'], login, password)
    return login
