# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.modules.gd_deploy.tests.tools import scenario_test_case

NetworkScenarioTestCase = scenario_test_case(
    'scenario_network.rst', __file__)
