from kagglekit.cli import main

main()
