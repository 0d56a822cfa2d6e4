module misterwebhooks

go 1.19
