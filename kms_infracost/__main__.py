from kms_infracost.entry import main

if __name__ == "__main__":
    main()
