package printers

import (
	"context"
	"errors"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	winspool            = windows.NewLazySystemDLL("winspool.drv")
	procEnumPrinters    = winspool.NewProc("EnumPrintersW")
	procGetDefaultPrint = winspool.NewProc("GetDefaultPrinterW")
)

const (
	printerEnumLocal       = 0x2
	printerEnumConnections = 0x4
)

// printerInfo4 is PRINTER_INFO_4W: the name, the server, the attributes.
type printerInfo4 struct {
	name       *uint16
	server     *uint16
	attributes uint32
}

// list asks the spooler for the local printers and the network ones this
// user is connected to (what the printers' settings page shows), and for
// the default printer.
func list(ctx context.Context) (List, error) {
	if err := ctx.Err(); err != nil {
		return List{}, err
	}
	if err := procEnumPrinters.Find(); err != nil {
		return List{}, ErrNoSystem
	}
	flags := uintptr(printerEnumLocal | printerEnumConnections)
	var needed, returned uint32
	r, _, err := procEnumPrinters.Call(flags, 0, 4, 0, 0, uintptr(unsafe.Pointer(&needed)), uintptr(unsafe.Pointer(&returned)))
	if r == 0 && !errors.Is(err, windows.ERROR_INSUFFICIENT_BUFFER) {
		if errors.Is(err, windows.RPC_S_SERVER_UNAVAILABLE) {
			return List{}, ErrNoScheduler // the spooler service is stopped
		}
		if needed == 0 {
			return List{Default: defaultPrinter()}, nil
		}
	}
	var l List
	if needed > 0 {
		buf := make([]byte, needed)
		r, _, err = procEnumPrinters.Call(flags, 0, 4, uintptr(unsafe.Pointer(&buf[0])), uintptr(needed),
			uintptr(unsafe.Pointer(&needed)), uintptr(unsafe.Pointer(&returned)))
		if r == 0 {
			if errors.Is(err, windows.RPC_S_SERVER_UNAVAILABLE) {
				return List{}, ErrNoScheduler
			}
			return List{}, err
		}
		infos := unsafe.Slice((*printerInfo4)(unsafe.Pointer(&buf[0])), returned)
		for _, in := range infos {
			l.Names = append(l.Names, windows.UTF16PtrToString(in.name))
		}
	}
	l.Default = defaultPrinter()
	return l, nil
}

func defaultPrinter() string {
	var n uint32
	procGetDefaultPrint.Call(0, uintptr(unsafe.Pointer(&n)))
	if n == 0 {
		return "" // no default printer
	}
	buf := make([]uint16, n)
	if r, _, _ := procGetDefaultPrint.Call(uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n))); r == 0 {
		return ""
	}
	return syscall.UTF16ToString(buf)
}
