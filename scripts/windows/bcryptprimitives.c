/*
 * Test harness only: Wine 8 has no bcryptprimitives.dll, which Go 1.26's
 * runtime loads for ProcessPrng (the system's random numbers). Windows 10
 * and later ship it; this shim gives Wine the one function, over
 * BCryptGenRandom, so the cross-built exe can run in CI. It is never
 * packaged or installed with the application.
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
			return FALSE;
		data += chunk;
		len -= chunk;
	}
	return TRUE;
}
