import sys

from ik_host.cli import main

sys.exit(main())
