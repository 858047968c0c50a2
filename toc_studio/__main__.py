from toc_studio.cli import main

raise SystemExit(main())
