//go:build unix

package main

import "syscall"

// syncDisks asks the kernel to write all dirty data to disk, and waits.
func syncDisks() { syscall.Sync() }
