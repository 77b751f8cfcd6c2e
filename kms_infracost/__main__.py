from kms_infracost.cli import main

if __name__ == "__main__":
    main()
