# Compiler settings every project target gets. Third-party headers come in
# through IMPORTED targets, which CMake marks as system headers, so -Werror
# applies to our own code only.

set(ONEDALL_SANITIZE "" CACHE STRING
	"Sanitizers for every target, e.g. address,undefined")
set(ONEDALL_FUZZ_INSTRUMENT "" CACHE STRING
	"Extra instrumentation for library code in the fuzz build")

function(onedall_target_defaults target)
	target_compile_options(${target} PRIVATE
		-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
		-Wold-style-cast -Wcast-align -Wnull-dereference
		-Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
	if(ONEDALL_WERROR)
		target_compile_options(${target} PRIVATE -Werror)
	endif()
endfunction()

if(ONEDALL_SANITIZE)
	add_compile_options(-fsanitize=${ONEDALL_SANITIZE} -fno-omit-frame-pointer
		-fno-sanitize-recover=all)
	add_link_options(-fsanitize=${ONEDALL_SANITIZE})
endif()

if(ONEDALL_FUZZ_INSTRUMENT)
	add_compile_options(${ONEDALL_FUZZ_INSTRUMENT} -fno-omit-frame-pointer)
	add_link_options(${ONEDALL_FUZZ_INSTRUMENT})
endif()
