print("mister-webhooks")
