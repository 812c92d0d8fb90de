# graft_add_plugin(NAME SOURCES src... [LIBRARIES lib...] [OUTPUT_DIRECTORY dir] [NO_INSTALL]
#                  [TORCH_FREE])
#
# A plugin library the graft host can load: a MODULE library `graft_NAME.so`, linked to graft::sdk
# (which brings C++17, the SDK headers, LibTorch and its ABI flag), with hidden visibility so that
# the only exported symbol is the manifest entry point GRAFT_PLUGIN writes.
# TORCH_FREE links graft::sdk_core instead: no LibTorch, for plugins that touch no tensor
# (schedulers). Its fingerprint then says "no libtorch", which the host accepts from any
# LibTorch version, for schedulers only.
#
# One function for graft's own tree and for projects that use the installed package
# (find_package(graft)); only the defaults differ, and they are read when the function is called:
# - output folder: GRAFT_PLUGIN_OUTPUT_DIR if set (graft's tree sets <build>/lib/graft/plugins, the
#   built-in folder), else <build>/plugins: the folder to put on GRAFT_PLUGIN_PATH.
# - install: into lib/graft/plugins under the install prefix (graft's built-in folder when the
#   prefix is graft's), with an RPATH to libgraft_sdk.so. A plugin given its own OUTPUT_DIRECTORY
#   (graft's test plugins) or NO_INSTALL is not installed.
# - GRAFT_SDK_ABI_VERSION_OVERRIDE (a cache variable, for testing the host's refusal only): the
#   plugin claims this SDK ABI version instead of the real one, so every graft refuses it.
include_guard(GLOBAL)

set(GRAFT_PLUGIN_INSTALL_DIR lib/graft/plugins)  # fixed: the host looks at <exe dir>/../lib/graft/plugins
set(GRAFT_SDK_ABI_VERSION_OVERRIDE "" CACHE STRING
    "Testing only: the SDK ABI version plugins claim (empty: the real one)")

# The RPATH an installed plugin finds libgraft_sdk.so with. The installed package knows where the
# SDK is (GRAFT_SDK_LIBRARY_DIR, from graftConfig.cmake); graft's own tree installs plugins and SDK
# under one prefix, chosen as late as `cmake --install --prefix`, so the path is relative.
function(_graft_plugin_install_rpath out)
  if(DEFINED GRAFT_SDK_LIBRARY_DIR)
    set(${out} "${GRAFT_SDK_LIBRARY_DIR}" PARENT_SCOPE)
  else()
    file(RELATIVE_PATH to_libdir "/${GRAFT_PLUGIN_INSTALL_DIR}" "/${CMAKE_INSTALL_LIBDIR}")
    string(REGEX REPLACE "/$" "" to_libdir "${to_libdir}")
    set(${out} "$ORIGIN/${to_libdir}" PARENT_SCOPE)
  endif()
endfunction()

# The host refuses a plugin whose compiler major version differs from its own (the build
# fingerprint); say so at configure time rather than at load time.
function(_graft_check_compiler)
  if(NOT DEFINED GRAFT_CXX_COMPILER_ID)  # graft's own tree: same compiler by construction
    return()
  endif()
  string(REGEX MATCH "^[0-9]+" ours "${CMAKE_CXX_COMPILER_VERSION}")
  string(REGEX MATCH "^[0-9]+" graft "${GRAFT_CXX_COMPILER_VERSION}")
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL GRAFT_CXX_COMPILER_ID OR NOT ours STREQUAL graft)
    message(WARNING "graft was built with ${GRAFT_CXX_COMPILER_ID} ${GRAFT_CXX_COMPILER_VERSION}, this project "
                    "uses ${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}: graft will refuse the plugins "
                    "(build fingerprint). Configure with -DCMAKE_CXX_COMPILER=<graft's compiler>.")
  endif()
endfunction()

function(graft_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL;TORCH_FREE" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    set(ARG_SOURCES ${ARG_UNPARSED_ARGUMENTS})
  endif()
  if(DEFINED GRAFT_PLUGIN_OUTPUT_DIR)
    set(default_output ${GRAFT_PLUGIN_OUTPUT_DIR})
  else()
    set(default_output ${CMAKE_BINARY_DIR}/plugins)
  endif()
  if(NOT ARG_OUTPUT_DIRECTORY)
    set(ARG_OUTPUT_DIRECTORY ${default_output})
  endif()
  _graft_check_compiler()

  add_library(${name} MODULE ${ARG_SOURCES})
  if(ARG_TORCH_FREE)
    target_link_libraries(${name} PRIVATE graft::sdk_core ${ARG_LIBRARIES})
  else()
    target_link_libraries(${name} PRIVATE graft::sdk ${ARG_LIBRARIES})
  endif()
  _graft_plugin_install_rpath(install_rpath)
  set_target_properties(${name} PROPERTIES
    PREFIX "graft_"
    OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    INSTALL_RPATH "${install_rpath}")
  if(NOT GRAFT_SDK_ABI_VERSION_OVERRIDE STREQUAL "")
    message(WARNING "graft_add_plugin(${name}): GRAFT_SDK_ABI_VERSION_OVERRIDE=${GRAFT_SDK_ABI_VERSION_OVERRIDE}: "
                    "the plugin claims SDK ABI ${GRAFT_SDK_ABI_VERSION_OVERRIDE} and graft will refuse it (testing only)")
    target_compile_definitions(${name} PRIVATE GRAFT_SDK_ABI_VERSION_OVERRIDE=${GRAFT_SDK_ABI_VERSION_OVERRIDE})
  endif()

  if(ARG_NO_INSTALL OR NOT ARG_OUTPUT_DIRECTORY STREQUAL default_output)
    return()
  endif()
  install(TARGETS ${name} LIBRARY DESTINATION ${GRAFT_PLUGIN_INSTALL_DIR})
endfunction()
