# Installing the property-testing API: the public headers include/txsim/*.h and every static
# library txsim_testing needs, plus a CMake package so that a user's project writes
#   find_package(txsim CONFIG REQUIRED)
#   target_link_libraries(my_properties PRIVATE txsim::testing rapidcheck)
#
# The modules use the source root as include directory, which cannot be exported, so the
# package is not install(EXPORT)ed: the libraries are installed as archives and
# txsimConfig.cmake declares one imported target listing them in link order. The order is
# computed here from the targets' link libraries (a depth-first topological sort), so a module
# added later is picked up without editing this file.
include(GNUInstallDirs)

# Appends the txsim_* libraries `target` needs (itself first) to TXSIM_INSTALL_ORDER and the
# external ones to TXSIM_INSTALL_EXTERNAL; dependencies come after their users.
function(txsim_collect_libraries target)
  get_property(visited GLOBAL PROPERTY TXSIM_INSTALL_VISITED)
  if(target IN_LIST visited)
    return()
  endif()
  set_property(GLOBAL APPEND PROPERTY TXSIM_INSTALL_VISITED ${target})
  get_target_property(deps ${target} LINK_LIBRARIES)
  get_target_property(interface_deps ${target} INTERFACE_LINK_LIBRARIES)
  foreach(dep IN LISTS deps interface_deps)
    if(NOT dep OR dep MATCHES "^\\$<")
      continue()
    endif()
    if(TARGET ${dep} AND dep MATCHES "^txsim_")
      txsim_collect_libraries(${dep})
    else()
      set_property(GLOBAL APPEND PROPERTY TXSIM_INSTALL_EXTERNAL ${dep})
    endif()
  endforeach()
  # Post-order: a library is prepended after its dependencies, so users precede what they use.
  # A header-only (INTERFACE) library has no archive to install.
  get_target_property(type ${target} TYPE)
  if(NOT type STREQUAL "INTERFACE_LIBRARY")
    set_property(GLOBAL APPEND PROPERTY TXSIM_INSTALL_POSTORDER ${target})
  endif()
endfunction()

txsim_collect_libraries(txsim_testing)
get_property(txsim_postorder GLOBAL PROPERTY TXSIM_INSTALL_POSTORDER)
get_property(txsim_external GLOBAL PROPERTY TXSIM_INSTALL_EXTERNAL)
list(REVERSE txsim_postorder)
list(REMOVE_DUPLICATES txsim_external)

install(TARGETS ${txsim_postorder} ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES include/txsim/fault_plan.h include/txsim/generators.h include/txsim/run.h
              include/txsim/saga_spec.h include/txsim/testing.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/txsim)

# The link line of txsim::testing: the archives in dependency order, then the imported targets
# of the external libraries (defined again by find_dependency in txsimConfig.cmake).
set(TXSIM_INSTALL_LINK "")
foreach(lib IN LISTS txsim_postorder)
  list(APPEND TXSIM_INSTALL_LINK
       "\${_txsim_prefix}/${CMAKE_INSTALL_LIBDIR}/$<TARGET_FILE_NAME:${lib}>")
endforeach()
list(APPEND TXSIM_INSTALL_LINK ${txsim_external})
configure_file(${CMAKE_CURRENT_LIST_DIR}/txsimConfig.cmake.in
               ${CMAKE_CURRENT_BINARY_DIR}/txsimConfig.cmake.configured @ONLY)
file(GENERATE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/txsimConfig.cmake
     INPUT ${CMAKE_CURRENT_BINARY_DIR}/txsimConfig.cmake.configured)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/txsimConfig.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/txsim)
