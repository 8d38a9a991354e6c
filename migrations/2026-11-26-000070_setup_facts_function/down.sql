DROP FUNCTION coop_setup_facts(uuid);
