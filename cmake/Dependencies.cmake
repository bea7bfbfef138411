# Every third-party dependency is found here, once, and exposed as an
# IMPORTED target named dep::NAME. A missing one stops CMake with the
# Debian package that provides it.

find_package(PkgConfig REQUIRED)

# onedall_pkg(NAME PKGCONFIG_MODULE DEBIAN_PACKAGE)
function(onedall_pkg name module debian_package)
	pkg_check_modules(ONEDALL_PKG_${name} QUIET IMPORTED_TARGET GLOBAL ${module})
	if(NOT ONEDALL_PKG_${name}_FOUND)
		message(FATAL_ERROR
			"${module} not found: install the Debian package "
			"'${debian_package}' (or run scripts/bootstrap)")
	endif()
	add_library(dep::${name} ALIAS PkgConfig::ONEDALL_PKG_${name})
endfunction()

# onedall_cmake_pkg(PACKAGE DEBIAN_PACKAGE) for libraries that ship a
# CMake package file instead of a pkg-config module.
macro(onedall_cmake_pkg package debian_package)
	find_package(${package} QUIET)
	if(NOT ${package}_FOUND)
		message(FATAL_ERROR
			"CMake package ${package} not found: install the Debian "
			"package '${debian_package}' (or run scripts/bootstrap)")
	endif()
endmacro()

onedall_pkg(milter   milter       libmilter-dev)
onedall_pkg(sodium   libsodium    libsodium-dev)
onedall_pkg(unbound  libunbound   libunbound-dev)
onedall_pkg(ldns     ldns         libldns-dev)
onedall_pkg(gmime    gmime-3.0    libgmime-3.0-dev)
onedall_pkg(archive  libarchive   libarchive-dev)
onedall_pkg(magic    libmagic     libmagic-dev)
onedall_pkg(idn2     libidn2      libidn2-dev)
onedall_pkg(psl      libpsl       libpsl-dev)
onedall_pkg(lmdb     lmdb         liblmdb-dev)
onedall_pkg(hiredis  hiredis      libhiredis-dev)
onedall_pkg(crypto   libcrypto    libssl-dev)

onedall_cmake_pkg(nlohmann_json nlohmann-json3-dev)
onedall_cmake_pkg(tl-expected   libexpected-dev)
onedall_cmake_pkg(Threads       libc6-dev)

if(ONEDALL_BUILD_TESTS)
	onedall_cmake_pkg(doctest   doctest-dev)
	onedall_cmake_pkg(yaml-cpp  libyaml-cpp-dev)
endif()
