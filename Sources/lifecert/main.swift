import LifecertCLI

#if canImport(Glibc)
import Glibc
#endif

// Tesseract (Debian's build) uses OpenMP; OMP_THREAD_LIMIT=1 must be set before the runtime loads,
// or one page takes ~4× longer on two cores. Setting it inside the process is too late, so the binary
// re-executes itself once with the variable set (docs/ARCHITECTURE.md, FIELD-NOTES.md).
if getenv("OMP_THREAD_LIMIT") == nil {
    setenv("OMP_THREAD_LIMIT", "1", 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)
    // execv only returns on failure: carry on without the limit.
}

// A parent may have started us with signals blocked (the mask survives exec); a watcher must still
// stop on SIGTERM from a service manager or SIGINT from Ctrl-C.
var unblock = sigset_t()
sigemptyset(&unblock)
for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&unblock, sig) }
sigprocmask(SIG_UNBLOCK, &unblock, nil)

Lifecert.main()
