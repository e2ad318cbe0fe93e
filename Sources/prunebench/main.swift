import PruneBenchCLI

PruneBench.main()
