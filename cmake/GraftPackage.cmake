# The installed CMake package: find_package(graft) in a plugin project gives graft::sdk, graft::sdk_core and
# graft_add_plugin(). Installed to <prefix>/<libdir>/cmake/graft/:
#   graftConfig.cmake         finds LibTorch and fmt (graft::sdk's usage requirements name them),
#                             then the targets, then GraftPlugin.cmake
#   graftConfigVersion.cmake  0.x: the same minor version is compatible
#   graftTargets.cmake        graft::sdk and graft::sdk_core (the export set filled in framework/sdk)
#   GraftPlugin.cmake         the same file graft's own tree uses
include(CMakePackageConfigHelpers)

set(GRAFT_PACKAGE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/graft)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/graftConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/graftConfig.cmake
  INSTALL_DESTINATION ${GRAFT_PACKAGE_DIR}
  PATH_VARS CMAKE_INSTALL_LIBDIR)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/graftConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)

install(EXPORT graftTargets NAMESPACE graft:: DESTINATION ${GRAFT_PACKAGE_DIR})
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/graftConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/graftConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/GraftPlugin.cmake
  DESTINATION ${GRAFT_PACKAGE_DIR})
