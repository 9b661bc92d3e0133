from merge import deep_merge, get_path, merge_all


def sample():
    base = {"server": {"tls": {"ciphers": ["a", "b"]}, "ports": [80]}, "name": "x"}
    override = {"server": {"tls": {"on": True}}, "plugins": {"cache": {"size": 1}}}
    return base, override


def test_result_does_not_share_lists_with_base():
    base, override = sample()
    result = deep_merge(base, override)
    result["server"]["ports"].append(443)
    result["server"]["tls"]["ciphers"].append("c")
    assert base["server"]["ports"] == [80]
    assert base["server"]["tls"]["ciphers"] == ["a", "b"]


def test_result_does_not_share_dicts_with_override():
    base, override = sample()
    result = deep_merge(base, override)
    result["plugins"]["cache"]["size"] = 99
    result["server"]["tls"]["on"] = False
    assert override == {"server": {"tls": {"on": True}}, "plugins": {"cache": {"size": 1}}}


def test_later_changes_to_inputs_do_not_leak_into_result():
    base, override = sample()
    result = deep_merge(base, override)
    base["server"]["ports"].append(8080)
    override["plugins"]["cache"]["size"] = 5
    assert result["server"]["ports"] == [80]
    assert result["plugins"]["cache"]["size"] == 1


def test_override_not_modified():
    base = {"a": {"b": 1}}
    override = {"a": {"c": 2}}
    deep_merge(base, override)
    assert override == {"a": {"c": 2}}


def test_lists_are_replaced():
    assert deep_merge({"xs": [1, 2]}, {"xs": [3]}) == {"xs": [3]}


def test_dict_and_scalar_replace_each_other():
    assert deep_merge({"a": 1}, {"a": {"b": 2}}) == {"a": {"b": 2}}
    assert deep_merge({"a": {"b": 2}}, {"a": None}) == {"a": None}


def test_key_order():
    result = deep_merge({"b": 1, "a": {"y": 1, "x": 2}}, {"c": 3, "a": {"z": 0, "y": 5}})
    assert list(result) == ["b", "a", "c"]
    assert list(result["a"]) == ["y", "x", "z"]
    assert result["a"] == {"y": 5, "x": 2, "z": 0}


def test_empty_inputs():
    base = {"a": {"b": [1]}}
    assert deep_merge(base, {}) == base
    assert deep_merge(base, {}) is not base
    assert deep_merge({}, base)["a"] is not base["a"]
    assert deep_merge({}, {}) == {}


def test_result_type():
    result = deep_merge({"a": {"b": 1}}, {"a": {"c": 2}})
    assert type(result) is dict
    assert type(result["a"]) is dict


def test_merge_all_keeps_layers_intact():
    defaults = {"log": {"level": "info", "handlers": ["console"]}}
    site = {"log": {"level": "debug"}}
    user = {"log": {"handlers": ["file"]}}
    result = merge_all(defaults, site, user)
    assert result == {"log": {"level": "debug", "handlers": ["file"]}}
    result["log"]["handlers"].append("x")
    assert defaults == {"log": {"level": "info", "handlers": ["console"]}}
    assert site == {"log": {"level": "debug"}}
    assert user == {"log": {"handlers": ["file"]}}
    assert merge_all() == {}


def test_get_path_on_merged_config():
    merged = deep_merge({"db": {"host": "h", "port": 1}}, {"db": {"port": 2}})
    assert get_path(merged, "db.port") == 2
    assert get_path(merged, "db.host") == "h"
    assert get_path(merged, "db.user", "root") == "root"
    assert get_path(merged, "db.port.x") is None
