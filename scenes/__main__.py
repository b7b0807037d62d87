import sys

from .cli import main

try:
    sys.exit(main())
except KeyboardInterrupt:  # Ctrl-C before a render starts (a render handles its own)
    print("interrupted (SIGINT): stopped; finished files were kept, none is half-written", file=sys.stderr)
    sys.exit(130)
