# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from .tools import scenario_test_case

ReportingScenarioTestCase = scenario_test_case(
    'scenario_reporting.rst', __file__)
