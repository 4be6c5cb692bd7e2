# Import a business system by its name, the name of its tag in the
# business_system_tag_category; members come from the tag, the rule from the cluster.
terraform import estate_business_system.order_management "order management"
