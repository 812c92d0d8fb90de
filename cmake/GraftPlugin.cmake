# graft_add_plugin(NAME SOURCES ...): a plugin library, loadable by the graft host.
# MODULE libraries with hidden visibility: the only exported symbol is the manifest entry point
# that GRAFT_PLUGIN writes. Output goes to the built-in plugin folder.
function(graft_add_plugin name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    set(ARG_SOURCES ${ARG_UNPARSED_ARGUMENTS})
  endif()
  if(NOT ARG_OUTPUT_DIRECTORY)
    set(ARG_OUTPUT_DIRECTORY ${GRAFT_PLUGIN_OUTPUT_DIR})
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE graft::sdk ${ARG_LIBRARIES})
  set_target_properties(${name} PROPERTIES
    PREFIX "graft_"
    OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(NOT ARG_OUTPUT_DIRECTORY STREQUAL GRAFT_PLUGIN_OUTPUT_DIR)
    return()
  endif()
  # Fixed "lib/graft/plugins" (not LIBDIR): the host looks beside the executable, at ../lib/graft/plugins.
  install(TARGETS ${name} LIBRARY DESTINATION lib/graft/plugins)
endfunction()
