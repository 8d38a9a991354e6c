DROP TABLE coop_rule_sets;
