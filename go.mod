module github.com/localissuing/localissuing

go 1.26.8
