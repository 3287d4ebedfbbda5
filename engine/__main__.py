import os
import sys

from engine.cli import main

code = main()
# The work is done and written: end without tearing down the interpreter (freeing a
# million-row profile's objects one by one costs a command-line run tens of
# milliseconds). Only the removal of a transcoded copy must finish first.
sys.stdout.flush()
sys.stderr.flush()
workdirs = sys.modules.get("engine.leads.workdirs")
if workdirs is not None:
    workdirs.wait_for_cleanup()
os._exit(code)
